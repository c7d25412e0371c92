// Job id → the user's own dataset and notebook (and the notebook target and data choice), kept in globalState so that "Open
// Dataset", "Open Notebook" and "Regenerate" use the user's files rather than the server's copies. URIs only:
// never a token. No `vscode` value import: unit-testable with any Memento.
import type * as vscode from 'vscode';
import { z } from 'zod';
import { NOTEBOOK_TARGETS } from '../../shared/api';
import { NOTEBOOK_DATA_CHOICES } from '../../shared/notebookChoices';

/** The globalState key. */
export const JOB_LINKS_KEY = 'slmgen.jobs.links';

export const JobLink = z.object({
  dataset: z.string().optional(),
  notebook: z.string().optional(),
  target: z.enum(NOTEBOOK_TARGETS).optional(),
  /** The notebook's examples embedded, or in a sidecar file next to it. */
  data: z.enum(NOTEBOOK_DATA_CHOICES.map((c) => c.id) as ['embed', 'sidecar']).optional(),
});
export type JobLink = z.infer<typeof JobLink>;

const Links = z.record(z.string(), JobLink);

export class JobLinks {
  constructor(private readonly memento: vscode.Memento) {}

  private all(): Record<string, JobLink> {
    // A damaged value (another version, a hand edit) counts as no links rather than breaking the view.
    const parsed = Links.safeParse(this.memento.get(JOB_LINKS_KEY, {}));
    return parsed.success ? parsed.data : {};
  }

  get(jobId: string): JobLink | undefined {
    return this.all()[jobId];
  }

  async set(jobId: string, link: JobLink): Promise<void> {
    await this.memento.update(JOB_LINKS_KEY, { ...this.all(), [jobId]: { ...this.all()[jobId], ...JobLink.parse(link) } });
  }

  async delete(jobId: string): Promise<void> {
    const { [jobId]: _removed, ...rest } = this.all();
    await this.memento.update(JOB_LINKS_KEY, rest);
  }
}
