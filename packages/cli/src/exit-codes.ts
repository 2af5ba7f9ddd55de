/** Process exit codes of the `reparam` command. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** A ReparamError: bad input, refused option (printed as `error CODE: message`). */
  reparamError: 1,
  /** An unexpected bug (stack printed). */
  bug: 2,
  /** `verify` (or `convert --verify`) found outputs that differ beyond tolerance. */
  mismatch: 3,
} as const;
