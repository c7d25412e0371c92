// The Dataset Editor's connection to the extension (src/webview/shared/host.ts with its message schemas).
import { parseHostMessage } from '../../shared/datasetEditorMessages';
import type { HostMessage, WebviewMessage } from '../../shared/datasetEditorMessages';
import { WebviewHost } from '../shared/host';

export class Host extends WebviewHost<HostMessage, WebviewMessage> {
  constructor() {
    super('Dataset Editor', parseHostMessage);
  }
}
