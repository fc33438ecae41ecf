import generatedRoot from '@opentelemetry/otlp-transformer/build/src/generated/root';

/** The part of a protobufjs static-code message class this receiver calls. */
type GeneratedMessageType = {
  decode(bytes: Uint8Array): object;
  toObject(
    message: object,
    options: {
      longs: StringConstructor;
      bytes: StringConstructor;
      defaults: boolean;
    },
  ): Record<string, unknown>;
};

/** int64 as decimal strings, bytes as base64, defaults left out: the OTLP/JSON conventions. */
export const toObjectOptions = {
  longs: String,
  bytes: String,
  defaults: false,
};

type GeneratedNamespace = {
  opentelemetry: {
    proto: {
      common: {
        v1: {
          KeyValue: GeneratedMessageType;
          AnyValue: GeneratedMessageType;
          InstrumentationScope: GeneratedMessageType;
        };
      };
      resource: { v1: { Resource: GeneratedMessageType } };
      collector: {
        metrics: { v1: { ExportMetricsServiceRequest: GeneratedMessageType } };
      };
    };
  };
};

// The package types its generated root as a bare protobufjs Root; these are the static classes
// generated from opentelemetry-proto that it actually holds. 0.217.0 ships no logs messages.
const proto = (generatedRoot as unknown as GeneratedNamespace).opentelemetry
  .proto;

/** OpenTelemetry's generated protobuf definitions, as far as this receiver needs them. */
export const generatedProtos = {
  ExportMetricsServiceRequest:
    proto.collector.metrics.v1.ExportMetricsServiceRequest,
  Resource: proto.resource.v1.Resource,
  InstrumentationScope: proto.common.v1.InstrumentationScope,
  KeyValue: proto.common.v1.KeyValue,
  AnyValue: proto.common.v1.AnyValue,
};
