import { acnetScheme } from "./acnet-scheme.js";
import { dbbScheme } from "./dbb-scheme.js";
import { mobileoneScheme } from "./mobileone-scheme.js";
import type { NamingScheme } from "./naming-scheme.js";
import { qarepvggScheme } from "./qarepvgg-scheme.js";
import { repvggScheme } from "./repvgg-scheme.js";
import { timmMobileoneScheme } from "./timm-mobileone-scheme.js";
import { timmRepvggScheme } from "./timm-repvgg-scheme.js";
import { yolov7Scheme } from "./yolov7-scheme.js";
import { linearBnScheme } from "./linear-bn-scheme.js";
import { ppyoloeScheme } from "./ppyoloe-scheme.js";
import { replknetScheme } from "./replknet-scheme.js";
import { repvitScheme } from "./repvit-scheme.js";
import { timmFastvitRepcpeScheme } from "./timm-fastvit-repcpe-scheme.js";
import { timmFastvitRepmixerScheme } from "./timm-fastvit-repmixer-scheme.js";
import { unireplknetScheme } from "./unireplknet-scheme.js";
import { yolov9Scheme } from "./yolov9-scheme.js";
import { doctrFastScheme } from "./doctr-fast-scheme.js";
import { ecbsrScheme } from "./ecbsr-scheme.js";
import { orepaScheme } from "./orepa-scheme.js";
import { pplcnetv3Scheme } from "./pplcnetv3-scheme.js";
import { repnextScheme } from "./repnext-scheme.js";
import { rtdetrScheme } from "./rtdetr-scheme.js";
import { spanScheme } from "./span-scheme.js";
import { timmGhostnetv3Scheme } from "./timm-ghostnetv3-scheme.js";
import { timmNextvitScheme } from "./timm-nextvit-scheme.js";
import { timmRepghostScheme } from "./timm-repghost-scheme.js";
import { yolov10Scheme } from "./yolov10-scheme.js";

/**
 * The built-in naming schemes, in tie-break order: when two schemes use
 * every key equally well, the earlier one is chosen.
 */
export const BUILTIN_SCHEMES: readonly NamingScheme[] = [
  repvggScheme,
  timmRepvggScheme,
  timmMobileoneScheme,
  mobileoneScheme,
  yolov7Scheme,
  qarepvggScheme,
  acnetScheme,
  dbbScheme,
  yolov9Scheme,
  ppyoloeScheme,
  timmFastvitRepmixerScheme,
  timmFastvitRepcpeScheme,
  replknetScheme,
  unireplknetScheme,
  repvitScheme,
  linearBnScheme,
  rtdetrScheme,
  yolov10Scheme,
  timmRepghostScheme,
  doctrFastScheme,
  timmGhostnetv3Scheme,
  pplcnetv3Scheme,
  timmNextvitScheme,
  repnextScheme,
  spanScheme,
  ecbsrScheme,
  orepaScheme,
];
