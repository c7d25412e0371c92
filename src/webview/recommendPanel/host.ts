// The Recommendation panel's connection to the extension (src/webview/shared/host.ts with its message schemas).
import { parsePanelHostMessage } from '../../shared/recommendPanelMessages';
import type { PanelHostMessage, PanelWebviewMessage } from '../../shared/recommendPanelMessages';
import { WebviewHost } from '../shared/host';

export class PanelHost extends WebviewHost<PanelHostMessage, PanelWebviewMessage> {
  constructor() {
    super('Recommendation panel', parsePanelHostMessage);
  }
}
