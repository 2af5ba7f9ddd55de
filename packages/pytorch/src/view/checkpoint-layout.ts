/** What a checkpoint holds, as `describe` names it. */
export type CheckpointLayout =
  /** `torch.save(model.state_dict())`. */
  | { readonly kind: "state-dict" }
  /** A dict holding the state dict under `key`, beside other entries (epoch, optimizer ...). */
  | { readonly kind: "checkpoint"; readonly key: string; readonly others: readonly string[] }
  /** A pickled module (`torch.save(model)`, or under `key` of a dict): its class, and its tensors gathered into a state dict. */
  | { readonly kind: "full-model"; readonly key: string | undefined; readonly className: string };

/** One line for `describe`. */
export function layoutText(layout: CheckpointLayout): string {
  switch (layout.kind) {
    case "state-dict":
      return "state dict";
    case "checkpoint":
      return `training checkpoint, state dict under '${layout.key}'${layout.others.length > 0 ? ` (also ${layout.others.join(", ")})` : ""}`;
    case "full-model":
      return `full model ${layout.className}${layout.key === undefined ? "" : ` under '${layout.key}'`} (tensors gathered from its modules)`;
  }
}
