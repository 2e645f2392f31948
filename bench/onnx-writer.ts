// A small ONNX graph writer (protobufjs over the subset of onnx.proto it needs): nodes, initializers, and a
// ModelProto with typed inputs/outputs. Used by the embed benchmark's BERT and by tests that need a real graph.
import protobuf from 'protobufjs';

// The subset of onnx.proto used here; field numbers as upstream (github.com/onnx/onnx, onnx/onnx.proto).
const ONNX_SCHEMA = `
syntax = "proto3";
package onnx;
message AttributeProto { string name = 1; float f = 2; int64 i = 3; bytes s = 4; repeated int64 ints = 8; int32 type = 20; }
message NodeProto { repeated string input = 1; repeated string output = 2; string name = 3; string op_type = 4;
  repeated AttributeProto attribute = 5; }
message TensorProto { repeated int64 dims = 1; int32 data_type = 2; string name = 8; bytes raw_data = 9; }
message TensorShapeProto { message Dimension { oneof value { int64 dim_value = 1; string dim_param = 2; } }
  repeated Dimension dim = 1; }
message TypeProto { message Tensor { int32 elem_type = 1; TensorShapeProto shape = 2; } Tensor tensor_type = 1; }
message ValueInfoProto { string name = 1; TypeProto type = 2; }
message GraphProto { repeated NodeProto node = 1; string name = 2; repeated TensorProto initializer = 5;
  repeated ValueInfoProto input = 11; repeated ValueInfoProto output = 12; }
message OperatorSetIdProto { string domain = 1; int64 version = 2; }
message ModelProto { int64 ir_version = 1; string producer_name = 2; GraphProto graph = 7;
  repeated OperatorSetIdProto opset_import = 8; }
`;
export const FLOAT = 1;
export const INT8 = 3;
export const INT64 = 7;
export const BOOL = 9;
const ATTR = { FLOAT: 1, INT: 2, INTS: 7 };

export type Attr = { name: string; type: number; i?: number; f?: number; ints?: number[] };
interface Node {
  input: string[];
  output: string[];
  name: string;
  op_type: string;
  attribute: Attr[];
}
interface Tensor {
  name: string;
  dims: number[];
  data_type: number;
  raw_data: Uint8Array;
}

export class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly initializers: Tensor[] = [];
  private count = 0;

  op(op_type: string, input: string[], attrs: Attr[] = [], name?: string): string {
    const output = name ?? `${op_type.toLowerCase()}_${this.count++}`;
    this.nodes.push({ input, output: [output], name: `n${this.nodes.length}`, op_type, attribute: attrs });
    return output;
  }

  ops(op_type: string, input: string[], outputs: string[], attrs: Attr[] = []): string[] {
    this.nodes.push({ input, output: outputs, name: `n${this.nodes.length}`, op_type, attribute: attrs });
    return outputs;
  }

  init(name: string, dims: number[], data: Float32Array | BigInt64Array | Int8Array): string {
    const data_type = data instanceof Float32Array ? FLOAT : data instanceof BigInt64Array ? INT64 : INT8;
    this.initializers.push({
      name,
      dims,
      data_type,
      raw_data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }
}

export const int = (name: string, i: number): Attr => ({ name, type: ATTR.INT, i });
export const ints = (name: string, values: number[]): Attr => ({ name, type: ATTR.INTS, ints: values });
export const float = (name: string, f: number): Attr => ({ name, type: ATTR.FLOAT, f });

export type Dim = { dim_param: string } | { dim_value: number };
export interface GraphIO {
  name: string;
  elem: number;
  dims: Dim[];
}

/** Serialises the graph as an ONNX model (IR 8, default opset 17). */
export function encodeModel(
  g: GraphBuilder,
  name: string,
  inputs: GraphIO[],
  outputs: GraphIO[],
  opset = 17,
): Uint8Array {
  const type = (io: GraphIO) => ({ tensor_type: { elem_type: io.elem, shape: { dim: io.dims } } });
  const root = protobuf.parse(ONNX_SCHEMA, { keepCase: true }).root;
  const Model = root.lookupType('onnx.ModelProto');
  const model = {
    ir_version: 8,
    producer_name: 'trove',
    opset_import: [{ domain: '', version: opset }],
    graph: {
      name,
      node: g.nodes,
      initializer: g.initializers,
      input: inputs.map((io) => ({ name: io.name, type: type(io) })),
      output: outputs.map((io) => ({ name: io.name, type: type(io) })),
    },
  };
  return Model.encode(Model.fromObject(model)).finish();
}
