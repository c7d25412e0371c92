// The webview's side of a message contract: what it sends is typed by the shared schemas, what it receives is
// validated and anything else is logged and ignored. The view state is kept with VS Code's getState/setState.

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** How a page checks what the extension sends (the shared schemas' parse functions). */
export type ParseMessage<T> = (data: unknown) => { ok: true; message: T } | { ok: false; error: string };

/** The connection to the extension: one per page (acquireVsCodeApi may be called once). */
export class WebviewHost<In, Out> {
  private readonly api = acquireVsCodeApi();

  /** `surface` names the page in the console's warnings. */
  constructor(
    private readonly surface: string,
    private readonly parse: ParseMessage<In>,
  ) {}

  send(message: Out): void {
    this.api.postMessage(message);
  }

  /** Listen to the host's messages (validated). */
  listen(handler: (message: In) => void): void {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const parsed = this.parse(event.data);
      if (parsed.ok) handler(parsed.message);
      else console.warn(`SLMGEN ${this.surface}: ignored an invalid message from the extension (${parsed.error})`);
    });
  }

  get state(): unknown {
    return this.api.getState();
  }

  set state(value: unknown) {
    this.api.setState(value);
  }
}
