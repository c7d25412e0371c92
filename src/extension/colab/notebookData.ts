// Whether a notebook carries its training data, and the consent "Open in Colab" asks accordingly: SLMGEN's notebooks say so in
// their metadata (`slmgen.embedded`), and one that reads a sidecar file names it in its `DATASET_PATH = "…"` line.
// No `vscode` import: unit-testable under Node.

/** What publishing a notebook uploads of the dataset. */
export type NotebookData = { embedded: true } | { embedded: false; dataFile: string | undefined };

interface NotebookShape {
  metadata?: { slmgen?: { embedded?: unknown } };
  cells?: { cell_type?: unknown; source?: unknown }[];
}

/** The file named by the first `DATASET_PATH = "…"` line of the code cells (a JSON string literal). */
function datasetPathOf(cells: NotebookShape['cells']): string | undefined {
  for (const cell of cells ?? []) {
    if (cell.cell_type !== 'code') continue;
    const source = Array.isArray(cell.source) ? cell.source.join('') : String(cell.source ?? '');
    const line = /^DATASET_PATH = ("(?:[^"\\]|\\.)*")\s*$/m.exec(source);
    if (line?.[1] !== undefined) return JSON.parse(line[1]) as string;
  }
  return undefined;
}

/**
 * What a parsed notebook holds of its dataset: embedded unless SLMGEN's metadata says `embedded: false` (a notebook
 * that is not SLMGEN's may hold anything, so it counts as embedding its data).
 */
export function notebookDataOf(notebook: unknown): NotebookData {
  const nb = (notebook ?? {}) as NotebookShape;
  if (nb.metadata?.slmgen?.embedded !== false) return { embedded: true };
  return { embedded: false, dataFile: datasetPathOf(nb.cells) };
}

/** What the consent says travels: the notebook with the dataset inside, or without it (the user uploads the file). */
export function consentDetail(data: NotebookData): string {
  const gist = 'It is uploaded as a secret gist under your GitHub account: secret gists are not listed, but anyone with the link can read them. Delete the gist on GitHub when you are done.';
  if (data.embedded) return `The notebook embeds your training dataset. ${gist}`;
  const file = data.dataFile ?? 'its data file';
  return `The notebook does not contain your training examples (only the training code, the configuration and the dataset's summary figures): you upload ${file} in Colab yourself when the notebook asks for it. ${gist}`;
}
