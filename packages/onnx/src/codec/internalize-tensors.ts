import { clearField } from "@bufbuild/protobuf";
import { TensorProtoSchema, TensorProto_DataLocation, type ModelProto } from "onnx-buf";
import { modelTensors } from "./_model-tensors.js";
import type { ExternalDataFiles } from "./external-data-files.js";
import { readExternalData } from "./read-external-data.js";

/**
 * Loads every tensor stored as external data (initializers, Constant
 * values, subgraphs, functions) into its `raw_data`, and removes its
 * `external_data` entries and `data_location`, in place: the reverse of
 * {@link externalizeTensors}. All reads are checked as
 * {@link readExternalData} describes; on an error the model may be partly
 * loaded.
 *
 * @param model - decoded model, modified in place
 * @param files - access to the files beside the model
 * @returns the number of tensors loaded
 */
export async function internalizeTensors(model: ModelProto, files: ExternalDataFiles): Promise<number> {
  let loaded = 0;
  for (const tensor of modelTensors(model)) {
    if (tensor.dataLocation !== TensorProto_DataLocation.EXTERNAL) continue;
    const bytes = await readExternalData(tensor, files);
    tensor.rawData = bytes as Uint8Array<ArrayBuffer>;
    tensor.externalData = [];
    clearField(tensor, TensorProtoSchema.field.dataLocation);
    loaded++;
  }
  return loaded;
}
