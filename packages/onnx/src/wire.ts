/**
 * Protobuf wire helpers for tools that write ONNX files piece by piece (the
 * repository's model generators): `@reparam/onnx/wire`. Not part of the
 * public API: no semver promise, may change in any release.
 */
export { varint, varintLength, wireFields } from "./codec/wire-fields.js";
