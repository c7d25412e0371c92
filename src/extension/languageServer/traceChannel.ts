// The language server's message trace, switched by `slmgen.trace.server`. vscode-languageclient 11 traces only when
// its trace channel's log level is Trace (then reads the setting for messages/verbose); this channel reports Trace
// exactly while the setting is not "off", so the setting alone turns tracing on and off. Lines use LSP's classic
// `[Trace - time] …` format, which trace viewers read. The Output view shows the channel only once it has a line.
import * as vscode from 'vscode';
import { CONFIG_SECTION, SETTINGS, TRACE_CHANNEL_NAME } from '../constants';

type Level = 'Trace' | 'Debug' | 'Info' | 'Warn' | 'Error';

function traceSetting(): string {
  return vscode.workspace.getConfiguration(CONFIG_SECTION).get<string>(SETTINGS.traceServer, 'off');
}

/** A LogOutputChannel for the client's `traceOutputChannel`. */
export class TraceChannel implements vscode.LogOutputChannel {
  readonly name = TRACE_CHANNEL_NAME;
  private channel: vscode.OutputChannel | undefined;
  private readonly levelChanged = new vscode.EventEmitter<vscode.LogLevel>();
  private readonly configListener: vscode.Disposable;
  readonly onDidChangeLogLevel = this.levelChanged.event;

  constructor() {
    this.configListener = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${CONFIG_SECTION}.${SETTINGS.traceServer}`)) this.levelChanged.fire(this.logLevel);
    });
  }

  get logLevel(): vscode.LogLevel {
    return traceSetting() === 'off' ? vscode.LogLevel.Info : vscode.LogLevel.Trace;
  }

  private out(): vscode.OutputChannel {
    this.channel ??= vscode.window.createOutputChannel(TRACE_CHANNEL_NAME);
    return this.channel;
  }

  private write(level: Level, message: string | Error, args: unknown[]): void {
    const text = message instanceof Error ? (message.stack ?? message.message) : message;
    const extra = args.map((a) => (typeof a === 'string' ? a : a instanceof Error ? (a.stack ?? a.message) : JSON.stringify(a, null, 2)));
    this.out().appendLine([`[${level} - ${new Date().toLocaleTimeString()}] ${text}`, ...extra].join('\n'));
  }

  trace(message: string, ...args: unknown[]): void {
    this.write('Trace', message, args);
  }
  debug(message: string, ...args: unknown[]): void {
    this.write('Debug', message, args);
  }
  info(message: string, ...args: unknown[]): void {
    this.write('Info', message, args);
  }
  warn(message: string, ...args: unknown[]): void {
    this.write('Warn', message, args);
  }
  error(error: string | Error, ...args: unknown[]): void {
    this.write('Error', error, args);
  }
  append(value: string): void {
    this.out().append(value);
  }
  appendLine(value: string): void {
    this.out().appendLine(value);
  }
  replace(value: string): void {
    this.out().replace(value);
  }
  clear(): void {
    this.channel?.clear();
  }
  show(columnOrPreserveFocus?: vscode.ViewColumn | boolean, preserveFocus?: boolean): void {
    if (typeof columnOrPreserveFocus === 'boolean') this.out().show(columnOrPreserveFocus);
    else this.out().show(preserveFocus);
  }
  hide(): void {
    this.channel?.hide();
  }
  dispose(): void {
    this.configListener.dispose();
    this.levelChanged.dispose();
    this.channel?.dispose();
  }
}
