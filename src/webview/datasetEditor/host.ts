// The webview's side of the message contract: what it sends is typed by the shared schemas, what it receives is
// validated and anything else is logged and ignored. The view state is kept with VS Code's getState/setState.
import { parseHostMessage } from '../../shared/datasetEditorMessages';
import type { HostMessage, WebviewMessage } from '../../shared/datasetEditorMessages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** The connection to the extension: one per page (acquireVsCodeApi may be called once). */
export class Host {
  private readonly api = acquireVsCodeApi();

  send(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  /** Listen to the host's messages (validated). */
  listen(handler: (message: HostMessage) => void): void {
    window.addEventListener('message', (event: MessageEvent<unknown>) => {
      const parsed = parseHostMessage(event.data);
      if (parsed.ok) handler(parsed.message);
      else console.warn(`SLMGEN Dataset Editor: ignored an invalid message from the extension (${parsed.error})`);
    });
  }

  get state(): unknown {
    return this.api.getState();
  }

  set state(value: unknown) {
    this.api.setState(value);
  }
}
