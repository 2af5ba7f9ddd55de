/**
 * The npm packages that run models for validate, each with the version it is
 * tested with. They are optional peer dependencies of `@reparam/validate`
 * (see its package.json): `npm i @reparam/cli` stays small and needs no
 * download besides the registry, and each is imported only when a backend
 * that needs it is tried (see `importRuntime`). A missing one is a
 * `VALIDATE_RUNTIME_MISSING` error that names it, never a crash at start-up.
 *
 * Why optional peers and not optionalDependencies: npm installs optional
 * dependencies by default (900 MB here, and onnxruntime-node's install script
 * downloads more from a host beside the registry), while an optional peer is
 * installed only by the user who asks for it, in the version range stated.
 * This table and package.json's `peerDependencies` must agree (a test checks).
 */
export const RUNTIME_PACKAGES = {
  "onnxruntime-node": "1.30.0",
  "onnxruntime-web": "1.30.0",
  "@tensorflow/tfjs": "4.22.0",
  "@tensorflow/tfjs-backend-wasm": "4.22.0",
  "@tensorflow/tfjs-backend-webgpu": "4.22.0",
  webgpu: "0.6.2",
} as const;

/** The name of one of the {@link RUNTIME_PACKAGES}. */
export type RuntimePackage = keyof typeof RUNTIME_PACKAGES;

/** The command that installs `pkg` in the version validate is tested with: `npm i onnxruntime-node@1.30.0`. */
export function installCommand(...pkgs: readonly RuntimePackage[]): string {
  return `npm i ${pkgs.map((p) => `${p}@${RUNTIME_PACKAGES[p]}`).join(" ")}`;
}
