import { rmSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { generateModel } from "./generate-model.js";
import { run } from "./measure.js";
import { cliBin, outDir } from "./paths.js";

/** Median latency of one model at one batch size. */
export interface LatencyFigure {
  readonly arch: string;
  readonly batch: number;
  readonly form: "train" | "converted" | "deploy";
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
  /**
   * Median over rounds of this form's time divided by the deploy form's in
   * the same round (a paired ratio: the three forms run back to back in each
   * round, in rotating order, so slow spells of the machine cancel out).
   */
  readonly overDeploy: number;
}

const quantile = (xs: number[], q: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

/**
 * onnxruntime-node CPU latency of the train form, the converted model and the
 * same architecture generated directly in deploy form, interleaved round by
 * round in one process (the order rotating from round to round) so that
 * machine noise hits all three alike; ratios are medians of per-round ratios.
 */
export async function latencyBench(
  arch: string,
  batches: readonly number[],
  rounds: number,
  log: (s: string) => void,
): Promise<LatencyFigure[]> {
  const train = generateModel(arch, "onnx", `${outDir}models/${arch}.dyn.onnx`, ["--dynamic-batch"]);
  const deploy = generateModel(arch, "onnx-deploy", `${outDir}models/${arch}.dyn.deploy-gen.onnx`, ["--dynamic-batch"]);
  const converted = `${outDir}models/${arch}.dyn.converted.onnx`;
  rmSync(converted, { force: true });
  await run(cliBin, ["convert", train, "-o", converted, "--quiet"], { node: true });
  const forms = { train, converted, deploy } as const;
  const sessions = await Promise.all(
    Object.values(forms).map((p) => ort.InferenceSession.create(p, { executionProviders: ["cpu"] })),
  );
  const figures: LatencyFigure[] = [];
  for (const batch of batches) {
    const data = new Float32Array(batch * 3 * 224 * 224).map((_, i) => Math.sin(i));
    const feeds = (s: ort.InferenceSession) => ({
      [s.inputNames[0]!]: new ort.Tensor("float32", data, [batch, 3, 224, 224]),
    });
    const times: number[][] = sessions.map(() => []);
    for (let w = 0; w < 2; w++) for (const s of sessions) await s.run(feeds(s));
    const n = sessions.length;
    for (let r = 0; r < rounds; r++) {
      for (let k = 0; k < n; k++) {
        const i = (r + k) % n;
        const t0 = performance.now();
        await sessions[i]!.run(feeds(sessions[i]!));
        times[i]![r] = performance.now() - t0;
      }
    }
    const deployTimes = times[n - 1]!;
    Object.keys(forms).forEach((form, i) => {
      const t = times[i]!;
      const overDeploy = quantile(
        t.map((x, r) => x / deployTimes[r]!),
        0.5,
      );
      const fig = {
        arch,
        batch,
        form: form as LatencyFigure["form"],
        medianMs: quantile(t, 0.5),
        p10Ms: quantile(t, 0.1),
        p90Ms: quantile(t, 0.9),
        overDeploy,
      };
      figures.push(fig);
      log(
        `  ${arch} batch ${batch} ${form}: median ${fig.medianMs.toFixed(1)} ms (p10 ${fig.p10Ms.toFixed(1)}, p90 ${fig.p90Ms.toFixed(1)}), ${overDeploy.toFixed(3)}x deploy (median of per-round ratios)`,
      );
    });
  }
  await Promise.all(sessions.map((s) => s.release()));
  return figures;
}
