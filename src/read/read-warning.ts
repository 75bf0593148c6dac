/** Something `tail`, `follow` or `status` skipped; `message` says what and what to do. */
export interface ReadWarning {
  /** The file, relative to the worktree root. */
  file: string;
  message: string;
}

/** Receives the warnings of a read; the CLI prints each as one line on stderr. */
export type WarningHandler = (warning: ReadWarning) => void;
