// Every identifier the extension contributes or listens to, in one place (HOUSE_STYLE §4). No `vscode` import here:
// unit tests under plain Node read these too.
import { ANALYZE_DATASET_COMMAND, GENERATE_NOTEBOOK_COMMAND, RECOMMEND_MODEL_COMMAND } from '../shared/lspProtocol';

/** Command ids, as declared in package.json `contributes.commands`. */
export const COMMANDS = {
  // The server's code lenses run these three (argument: the document URI).
  analyzeDataset: ANALYZE_DATASET_COMMAND,
  recommendModel: RECOMMEND_MODEL_COMMAND,
  generateNotebook: GENERATE_NOTEBOOK_COMMAND,
  analyzeFile: 'slmgen.analyzeFile',
  fixAll: 'slmgen.fixAll',
  removeDuplicates: 'slmgen.removeDuplicates',
  restartLanguageServer: 'slmgen.restartLanguageServer',
  showLog: 'slmgen.showLog',
  showDuplicates: 'slmgen.showDuplicates',
  convertDataset: 'slmgen.convertDataset',
  splitDataset: 'slmgen.splitDataset',
  exportSarif: 'slmgen.exportSarif',
  startServer: 'slmgen.startServer',
  stopServer: 'slmgen.stopServer',
  copyServerUrl: 'slmgen.copyServerUrl',
  openInColab: 'slmgen.openInColab',
  openDatasetEditor: 'slmgen.openDatasetEditor',
  openRecommendPanel: 'slmgen.openRecommendPanel',
  chooseModel: 'slmgen.chooseModel',
  turnOffMergeConflictScan: 'slmgen.turnOffMergeConflictScan',
  // The Jobs view (argument: a job id, or the tree item).
  refreshJobs: 'slmgen.refreshJobs',
  openJobNotebook: 'slmgen.openJobNotebook',
  openJobDataset: 'slmgen.openJobDataset',
  regenerateJob: 'slmgen.regenerateJob',
  copyJobColabLink: 'slmgen.copyJobColabLink',
  deleteJob: 'slmgen.deleteJob',
  // Supabase sign-in (src/extension/auth).
  signIn: 'slmgen.signIn',
  signOut: 'slmgen.signOut',
  setSupabaseJwtSecret: 'slmgen.setSupabaseJwtSecret',
} as const;

/** The configuration section (same as the server's `SETTINGS_SECTION`). */
export const CONFIG_SECTION = 'slmgen';

/** Settings the client itself reads (relative to `slmgen.`). The server reads the rest through LSP. */
export const SETTINGS = {
  jsonArrayGlob: 'files.jsonArrayGlob',
  largeFileThresholdMB: 'analysis.largeFileThresholdMB',
  model: 'analysis.model',
  traceServer: 'trace.server',
  defaultTask: 'notebook.defaultTask',
  defaultDeployment: 'notebook.defaultDeployment',
  defaultTarget: 'notebook.defaultTarget',
  notebookData: 'notebook.data',
  serverPort: 'server.port',
  serverHost: 'server.host',
  jobsRecord: 'jobs.record',
  supabaseUrl: 'supabase.url',
  supabaseAnonKey: 'supabase.anonKey',
} as const;

/** The client id: vscode-languageclient reads `<id>.trace.server` with it. */
export const CLIENT_ID = 'slmgen';
export const CLIENT_NAME = 'SLMGEN Language Server';

/** Output channels: the one log, and the language server's message trace. */
export const LOG_CHANNEL_NAME = 'SLMGEN';
export const TRACE_CHANNEL_NAME = 'SLMGEN Language Server Trace';

/** The language server bundle, relative to the extension root. */
export const SERVER_MODULE = 'dist/lsp.js';

/** URI scheme of the read-only report documents shown in the markdown preview. */
export const REPORT_SCHEME = 'slmgen-report';

/** The Dataset Editor (custom text editor), its read-only panel for files read from disk, and its bundle's folder. */
export const DATASET_EDITOR_VIEW_TYPE = 'slmgen.datasetEditor';
export const DATASET_VIEWER_VIEW_TYPE = 'slmgen.datasetViewer';
export const WEBVIEW_DIST = 'dist/webview';

/** The Recommendation and notebook panel (one per dataset). */
export const RECOMMEND_PANEL_VIEW_TYPE = 'slmgen.recommendPanel';

/** The status bar item of the active dataset. */
export const STATUS_ITEM_ID = 'slmgen.status';

/** Context key: the active editor shows a dataset (used in `when` clauses). */
export const CONTEXT_ACTIVE_DATASET = 'slmgen.activeDataset';

/** The Jobs tree view (in the SLMGEN activity bar container). */
export const JOBS_VIEW_ID = 'slmgen.jobs';
/** Context keys of the Jobs view: its state (which welcome message), whether to offer sign-in, the local server. */
export const CONTEXT_JOBS_STATE = 'slmgen.jobs.state';
export const CONTEXT_JOBS_CAN_SIGN_IN = 'slmgen.jobs.canSignIn';
export const CONTEXT_SERVER_RUNNING = 'slmgen.serverRunning';

/** Built-in commands we run. */
export const BUILTIN = {
  markdownPreview: 'markdown.showPreview',
  markdownPreviewToSide: 'markdown.showPreviewToSide',
  open: 'vscode.open',
  problems: 'workbench.actions.view.problems',
} as const;

/** Restart budget of a crashing language server: at most this many restarts in this window. */
export const MAX_RESTARTS = 5;
export const RESTART_WINDOW_MS = 3 * 60 * 1000;

/** Delay before a newly opened tab is checked for a missing TextDocument (the document event may arrive later). */
export const TAB_SETTLE_MS = 400;

/** The bundled CLI that runs the local REST server (`slmgen serve`), relative to the extension root. */
export const CLI_MODULE = 'dist/cli.js';

/** SecretStorage key of the local server's bearer token (for its local user). */
export const SERVER_TOKEN_SECRET = 'slmgen.server.localToken';

/** Restart budget of a crashing local REST server. */
export const MAX_SERVER_RESTARTS = 3;
export const SERVER_RESTART_WINDOW_MS = 3 * 60 * 1000;
/** How long the local server may take to print its URL. */
export const SERVER_START_TIMEOUT_MS = 60_000;

/** Environment overrides of the GitHub API base URL and of the authentication provider (tests use local stand-ins). */
export const GITHUB_API_ENV = 'SLMGEN_GITHUB_API_URL';
export const GITHUB_AUTH_PROVIDER_ENV = 'SLMGEN_GITHUB_AUTH_PROVIDER';
/** A GitHub token to use instead of VS Code's sign-in (CI, or a test workbench that cannot answer the sign-in dialog). */
export const GITHUB_TOKEN_ENV = 'SLMGEN_GITHUB_TOKEN';
export const GITHUB_API_DEFAULT = 'https://api.github.com';
export const GITHUB_AUTH_PROVIDER_DEFAULT = 'github';

/** The SLMGEN account provider (Supabase sign-in): its id and label in the Accounts menu. */
export const AUTH_PROVIDER_ID = 'slmgen';
export const AUTH_PROVIDER_LABEL = 'SLMGEN';
/** Path of the `<uriScheme>://<extension id>/auth-callback` URI the browser returns to after a GitHub sign-in. */
export const AUTH_CALLBACK_PATH = '/auth-callback';
/** How long a GitHub sign-in waits for that callback. */
export const GITHUB_SIGN_IN_TIMEOUT_MS = 5 * 60_000;
/** Context key: both Supabase settings are set (sign-in commands are offered). */
export const CONTEXT_SUPABASE_CONFIGURED = 'slmgen.supabaseConfigured';
/** SecretStorage key of the Supabase JWT secret the local server verifies HS256 tokens with. */
export const SUPABASE_JWT_SECRET_KEY = 'slmgen.supabase.jwtSecret';
