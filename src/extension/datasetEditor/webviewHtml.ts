// The webviews' HTML page (Dataset Editor, Recommendation panel): the bundled script and stylesheet from dist/webview, under a strict content
// security policy with a nonce (no remote resources, no inline code). No `vscode` import: unit-tested under Node.

/** A random nonce for the page's script and style elements (128 bits, hex). */
export function makeNonce(random: (n: number) => Uint8Array): string {
  return Buffer.from(random(16)).toString('hex');
}

export interface WebviewPageInput {
  /** `webview.cspSource`. */
  cspSource: string;
  nonce: string;
  /** Webview URIs of the surface's script and stylesheet in dist/webview. */
  scriptUri: string;
  styleUri: string;
  title: string;
}

/** The page's Content-Security-Policy. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `font-src ${cspSource}`,
    `img-src ${cspSource} data:`,
  ].join('; ');
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function datasetEditorHtml(input: WebviewPageInput): string {
  return webviewPageHtml({ ...input, element: 'slmgen-dataset-editor' });
}

/** A page whose body is one custom element (a lowercase name with a hyphen), its script and its stylesheet. */
export function webviewPageHtml(input: WebviewPageInput & { element: string }): string {
  if (!/^[a-z][a-z0-9]*-[a-z0-9-]+$/.test(input.element)) throw new Error(`not a custom element name: ${input.element}`);
  const nonce = escapeAttribute(input.nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttribute(contentSecurityPolicy(input.cspSource, input.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escapeAttribute(input.title)}</title>
<link rel="stylesheet" nonce="${nonce}" href="${escapeAttribute(input.styleUri)}">
</head>
<body>
<${input.element}></${input.element}>
<script nonce="${nonce}" src="${escapeAttribute(input.scriptUri)}"></script>
</body>
</html>`;
}
