import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { decodeModel } from "@reparam/onnx";
import type { FamilyNet, StateDict } from "./family-net.js";
import { nextvitNet } from "./nextvit-net.js";
import { onnxFamilyNet, withOnnxConstants } from "./onnx-family-net.js";
import { readStateDict } from "./read-state-dict.js";

/** The fixtures of #23's second family batch (`tools/conformance/fixtures/families2`). */
export const FAMILIES2_DIR = new URL("../../../conformance/fixtures/families2/", import.meta.url).pathname;

/** What the generator reads of a `families2/manifest.json` case. */
export interface Family2Case {
  readonly name: string;
  readonly expect: "fuse" | "refuse";
  readonly input: { readonly shape: readonly number[] };
  readonly output: { readonly shape: readonly number[] };
  readonly onnx: { readonly train_unfolded: string };
  readonly safetensors: { readonly train: string; readonly bn_eps: number } | null;
}

/** The families2 cases written in TF.js (graph form): those whose train graph has a TF.js spelling. */
export const FAMILIES2_TFJS: readonly string[] = [
  "rtdetr_repvgg",
  "yolov10_repvggdw",
  "repghost",
  "ghostnetv3",
  "pplcnetv3",
  "doctr_fast",
  "mobileclip_text",
  "nextvit_prebn",
  "ecbsr",
  "span_conv3xc",
  "repnext",
  "refuse_span",
  "refuse_vanillanet",
];

/**
 * The folders written per case: `graph` (conv+BN as one fused conv, as the
 * TF.js converter folds them) for every case; `graph-bn` (every BN its own
 * node, as a graph grappler did not optimize) for refuse_vanillanet, whose
 * conv+BN folds the converter must still make while it merges nothing across
 * the LeakyReLU.
 */
export const variantsOf = (name: string): readonly ("graph" | "graph-bn")[] =>
  name === "refuse_vanillanet" ? ["graph", "graph-bn"] : ["graph"];

/**
 * The cases every step of which is a plain Keras layer (conv, BN, ReLU /
 * sigmoid / LeakyReLU, Add, Multiply, Concatenate, MaxPooling2D), so that
 * `familyLayers` writes them as layers models too (each BN its own
 * BatchNormalization layer, train values). Not committed (their weights
 * would add 0.7 MB): tests write them in memory. The other cases need a
 * constant operand (layer scale, lab, GELU's constants), a difference, Erf,
 * HardSwish, a pad, a slice or tokens.
 */
export const FAMILIES2_LAYERS: readonly string[] = [
  "rtdetr_repvgg",
  "yolov10_repvggdw",
  "repghost",
  "ghostnetv3",
  "doctr_fast",
  "refuse_vanillanet",
];

/** An NCHW shape as NHWC. */
export const nhwcShape = (s: readonly number[]): number[] => [s[0]!, s[2]!, s[3]!, s[1]!];

/** The manifest's cases. */
export async function families2Cases(): Promise<Family2Case[]> {
  return (JSON.parse(await readFile(join(FAMILIES2_DIR, "manifest.json"), "utf8")) as { cases: Family2Case[] }).cases;
}

/**
 * A families2 case's net and weights: the structure read off its
 * `train_unfolded.onnx` ({@link onnxFamilyNet}; nextvit_prebn's tokens by
 * hand, {@link nextvitNet}), the weights from its
 * `train.safetensors` by upstream key (the refuse cases have none: their
 * ONNX initializers), BN eps the manifest's (else the graph's, to 6 digits).
 * `foldConvBn` false keeps each BN a node of its own.
 */
export async function family2Net(c: Family2Case, foldConvBn = true): Promise<{ net: FamilyNet; dict: StateDict }> {
  const model = decodeModel(new Uint8Array(await readFile(join(FAMILIES2_DIR, c.onnx.train_unfolded))));
  const train =
    c.safetensors === null
      ? undefined
      : await readStateDict(new Uint8Array(await readFile(join(FAMILIES2_DIR, c.safetensors.train))));
  if (c.name === "nextvit_prebn") return nextvitNet(c.name, c.input.shape, train!);
  const dict = withOnnxConstants(model, train);
  const bn = model.graph!.node.find((n) => n.opType === "BatchNormalization");
  const graphEps = bn?.attribute.find((a) => a.name === "epsilon")?.f ?? 1e-5;
  const eps = c.safetensors?.bn_eps ?? Number(graphEps.toPrecision(6));
  return onnxFamilyNet(c.name, model, dict, eps, foldConvBn);
}
