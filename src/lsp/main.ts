/** Entry of `dist/lsp.js`: the language server, on the transport named by the arguments (`--stdio`, `--node-ipc`). */
import { startLanguageServer } from './server';

startLanguageServer();
