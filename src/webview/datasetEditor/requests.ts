// The edit requests the webview sends, built from what the user changed. Plain TS: unit-tested under Node.
import { EditableRole } from '../../shared/datasetEditorMessages';
import type { WebviewMessage } from '../../shared/datasetEditorMessages';
import type { ExampleResult } from '../../shared/lspProtocol';

/** A message being edited: its new content and role as the form holds them. */
export interface MessageDraft {
  messageIndex: number;
  content: string;
  role: string;
}

/** The draft of a message as it is now. */
export function draftOf(example: ExampleResult, messageIndex: number): MessageDraft {
  const message = example.messages[messageIndex];
  if (message === undefined) throw new Error(`The example has no message ${messageIndex + 1}.`);
  return { messageIndex, content: message.content, role: message.role };
}

/**
 * The `editMessage` request for a draft, carrying only what changed (undefined: nothing did). A role the editor does
 * not offer is left as it is.
 */
export function editMessageRequest(requestId: number, version: number | null, example: ExampleResult, draft: MessageDraft): WebviewMessage | undefined {
  const before = draftOf(example, draft.messageIndex);
  const content = draft.content !== before.content ? draft.content : undefined;
  const role = draft.role !== before.role ? EditableRole.safeParse(draft.role) : undefined;
  const newRole = role?.success === true ? role.data : undefined;
  if (content === undefined && newRole === undefined) return undefined;
  return { type: 'editMessage', requestId, version, line: example.line, messageIndex: draft.messageIndex, content, role: newRole };
}
