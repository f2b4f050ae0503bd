import { StatusError, type KubeObject } from '../store/index.js';

/**
 * Decoding of the Kubernetes protobuf encoding (`application/vnd.kubernetes.protobuf`) for the
 * few kinds kubectl's typed clients send as protobuf in everyday commands: `kubectl create
 * namespace|configmap|secret`, `kubectl drain` (Eviction) and typed-client deletes (DeleteOptions). Field numbers are those of the
 * API's generated.proto files. Other kinds are refused with 415 (kubectl sends them as JSON).
 */

type Field = { field: number; wire: number; value: bigint | Buffer };

function readVarint(buf: Buffer, pos: number): [bigint, number] {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos >= buf.length) throw new Error('truncated varint');
    const byte = buf[pos++]!;
    result |= BigInt(byte & 0x7f) << shift;
    if (!(byte & 0x80)) return [result, pos];
    shift += 7n;
  }
}

function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  let pos = 0;
  while (pos < buf.length) {
    const [key, next] = readVarint(buf, pos);
    pos = next;
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (wire === 0) {
      const [v, p] = readVarint(buf, pos);
      out.push({ field, wire, value: v });
      pos = p;
    } else if (wire === 2) {
      const [len, p] = readVarint(buf, pos);
      const end = p + Number(len);
      if (end > buf.length) throw new Error('truncated field');
      out.push({ field, wire, value: buf.subarray(p, end) });
      pos = end;
    } else if (wire === 1) {
      out.push({ field, wire, value: buf.subarray(pos, pos + 8) });
      pos += 8;
    } else if (wire === 5) {
      out.push({ field, wire, value: buf.subarray(pos, pos + 4) });
      pos += 4;
    } else throw new Error(`unsupported wire type ${wire}`);
  }
  return out;
}

const str = (f: Field) => (f.value as Buffer).toString('utf8');
const bytes = (f: Field) => f.value as Buffer;
const num = (f: Field) => Number(BigInt.asIntN(64, f.value as bigint));

function stringMap(entries: Field[], asBase64 = false): Record<string, string> {
  const map: Record<string, string> = {};
  for (const e of entries) {
    const kv = fields(bytes(e));
    const key = kv.find((f) => f.field === 1);
    const value = kv.find((f) => f.field === 2);
    if (key) map[str(key)] = value ? (asBase64 ? bytes(value).toString('base64') : str(value)) : '';
  }
  return map;
}

function objectMeta(buf: Buffer): KubeObject['metadata'] {
  const meta: KubeObject['metadata'] = {};
  const all = fields(buf);
  const labels = all.filter((f) => f.field === 11);
  const annotations = all.filter((f) => f.field === 12);
  const finalizers = all.filter((f) => f.field === 14).map(str);
  for (const f of all) {
    // gogo-protobuf writes empty strings too; empty means unset.
    if (f.wire === 2 && bytes(f).length === 0) continue;
    if (f.field === 1) meta.name = str(f);
    else if (f.field === 2) meta.generateName = str(f);
    else if (f.field === 3) meta.namespace = str(f);
    else if (f.field === 5) meta.uid = str(f);
    else if (f.field === 6) meta.resourceVersion = str(f);
  }
  if (labels.length) meta.labels = stringMap(labels);
  if (annotations.length) meta.annotations = stringMap(annotations);
  if (finalizers.length) meta.finalizers = finalizers;
  return meta;
}

function deleteOptions(buf: Buffer): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  for (const f of fields(buf)) {
    if (f.field === 1 && f.wire === 0) options.gracePeriodSeconds = num(f);
    else if (f.field === 4 && bytes(f).length) options.propagationPolicy = str(f);
  }
  return options;
}

function decodeKind(kind: string, raw: Buffer): KubeObject | undefined {
  const all = fields(raw);
  const metaField = kind === 'DeleteOptions' ? undefined : all.find((f) => f.field === 1);
  const metadata = metaField ? objectMeta(bytes(metaField)) : {};
  const of = (n: number) => all.filter((f) => f.field === n);
  switch (kind) {
    case 'Namespace': {
      const spec = of(2)[0];
      const finalizers = spec ? fields(bytes(spec)).filter((f) => f.field === 1).map(str) : [];
      return { apiVersion: 'v1', kind, metadata, ...(finalizers.length ? { spec: { finalizers } } : {}) };
    }
    case 'ConfigMap': {
      const obj: KubeObject = { apiVersion: 'v1', kind, metadata };
      if (of(2).length) obj.data = stringMap(of(2));
      if (of(3).length) obj.binaryData = stringMap(of(3), true);
      if (of(4).length) obj.immutable = num(of(4)[0]!) !== 0;
      return obj;
    }
    case 'Secret': {
      const obj: KubeObject = { apiVersion: 'v1', kind, metadata };
      if (of(2).length) obj.data = stringMap(of(2), true);
      if (of(3).length && bytes(of(3)[0]!).length) obj.type = str(of(3)[0]!);
      if (of(4).length) obj.stringData = stringMap(of(4));
      if (of(5).length) obj.immutable = num(of(5)[0]!) !== 0;
      return obj;
    }
    case 'Eviction': {
      const obj: KubeObject = { apiVersion: 'policy/v1', kind, metadata };
      const options = of(2)[0];
      if (options) obj.deleteOptions = deleteOptions(bytes(options));
      return obj;
    }
    case 'DeleteOptions':
      // DeleteOptions has no metadata: its field 1 is gracePeriodSeconds.
      return { apiVersion: 'v1', kind, metadata: {}, ...deleteOptions(raw) };
  }
  return undefined;
}

const magic = Buffer.from([0x6b, 0x38, 0x73, 0x00]); // "k8s\0"

export function decodeProtobufObject(body: Buffer): KubeObject {
  if (body.length < 4 || !body.subarray(0, 4).equals(magic)) {
    throw new StatusError(400, 'BadRequest', 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]');
  }
  let kind = '';
  let decoded: KubeObject | undefined;
  try {
    const unknown = fields(body.subarray(4));
    const typeMeta = unknown.find((f) => f.field === 1);
    if (typeMeta) kind = str(fields(bytes(typeMeta)).find((f) => f.field === 2) ?? { field: 2, wire: 2, value: Buffer.alloc(0) });
    const raw = unknown.find((f) => f.field === 2);
    decoded = raw ? decodeKind(kind, bytes(raw)) : undefined;
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `unable to decode protobuf body: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!decoded) {
    throw new StatusError(415, 'UnsupportedMediaType', `the simulator cannot decode ${kind || 'this object'} from protobuf - send it as application/json`);
  }
  return decoded;
}
