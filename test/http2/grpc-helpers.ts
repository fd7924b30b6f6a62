// A gRPC echo service (fixtures/echo.proto) on @grpc/grpc-js: a server on
// loopback that answers all four call kinds and sets trailing metadata, and
// a typed client for it.
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';

export interface Msg {
  text: string;
}

type Callback = (error: grpc.ServiceError | null, value?: Msg) => void;

/** The generated client, typed for the four methods. */
export interface EchoClient extends grpc.Client {
  Unary(request: Msg, metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback): grpc.ClientUnaryCall;
  ServerStream(request: Msg, metadata?: grpc.Metadata): grpc.ClientReadableStream<Msg>;
  ClientStream(metadata: grpc.Metadata, options: grpc.CallOptions, callback: Callback): grpc.ClientWritableStream<Msg>;
  Bidi(metadata?: grpc.Metadata): grpc.ClientDuplexStream<Msg, Msg>;
}

type EchoClientConstructor = new (address: string, credentials: grpc.ChannelCredentials, options?: grpc.ChannelOptions) => EchoClient;

const definition = loadSync(fileURLToPath(new URL('./fixtures/echo.proto', import.meta.url)), { keepCase: true });
const loaded = grpc.loadPackageDefinition(definition) as unknown as {
  portico: { test: { Echo: EchoClientConstructor & { service: grpc.ServiceDefinition } } };
};
const Echo = loaded.portico.test.Echo;

export interface GrpcBackend {
  port: number;
  /** Metadata keys ("x-..." only) of the last call, as the server received them. */
  lastMetadata: Record<string, string>;
  close(): Promise<void>;
}

function trailer(text: string): grpc.Metadata {
  const metadata = new grpc.Metadata();
  metadata.set('x-trailer', `done:${text}`);
  return metadata;
}

/** The echo server: Unary answers "<name>:<text>"; streams echo each message; "fail" answers NOT_FOUND. */
export async function startGrpcBackend(name: string): Promise<GrpcBackend> {
  const server = new grpc.Server();
  const backend: GrpcBackend = { port: 0, lastMetadata: {}, close: () => Promise.resolve() };
  const remember = (metadata: grpc.Metadata): void => {
    backend.lastMetadata = {};
    for (const [key, value] of Object.entries(metadata.getMap())) if (key.startsWith('x-')) backend.lastMetadata[key] = String(value);
  };
  server.addService(Echo.service, {
    Unary(call: grpc.ServerUnaryCall<Msg, Msg>, callback: grpc.sendUnaryData<Msg>) {
      remember(call.metadata);
      if (call.request.text === 'fail') {
        callback({ code: grpc.status.NOT_FOUND, details: 'no such thing' });
        return;
      }
      if (call.request.text === 'slow') {
        setTimeout(() => callback(null, { text: `${name}:late` }, trailer('slow')), 1000);
        return;
      }
      callback(null, { text: `${name}:${call.request.text}` }, trailer(call.request.text));
    },
    ServerStream(call: grpc.ServerWritableStream<Msg, Msg>) {
      remember(call.metadata);
      const count = Number(call.request.text);
      for (let i = 0; i < count; i++) call.write({ text: `${name}:${i}` });
      call.end(trailer(String(count)));
    },
    ClientStream(call: grpc.ServerReadableStream<Msg, Msg>, callback: grpc.sendUnaryData<Msg>) {
      remember(call.metadata);
      const texts: string[] = [];
      call.on('data', (msg: Msg) => texts.push(msg.text));
      call.on('end', () => callback(null, { text: `${name}:${texts.join(',')}` }, trailer(String(texts.length))));
    },
    Bidi(call: grpc.ServerDuplexStream<Msg, Msg>) {
      remember(call.metadata);
      call.on('data', (msg: Msg) => call.write({ text: `${name}:${msg.text}` }));
      call.on('end', () => call.end(trailer('bidi')));
    },
  });
  backend.port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port)));
  });
  backend.close = () => new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
  return backend;
}

export function echoClient(address: string, credentials = grpc.credentials.createInsecure(), options: grpc.ChannelOptions = {}): EchoClient {
  return new Echo(address, credentials, options);
}

export interface CallResult<T> {
  value?: T;
  error?: grpc.ServiceError;
  trailers?: Record<string, string>;
}

function trailersOf(metadata: grpc.Metadata): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata.getMap())) out[key] = String(value);
  return out;
}

export function unary(client: EchoClient, text: string, options: { deadlineMs?: number; metadata?: Record<string, string> } = {}): Promise<CallResult<Msg>> {
  return new Promise((resolve) => {
    const metadata = new grpc.Metadata();
    for (const [key, value] of Object.entries(options.metadata ?? {})) metadata.set(key, value);
    const result: CallResult<Msg> = {};
    const call = client.Unary({ text }, metadata, options.deadlineMs === undefined ? {} : { deadline: Date.now() + options.deadlineMs }, (error, value) => {
      if (error !== null) result.error = error;
      else result.value = value;
    });
    call.on('status', (status: grpc.StatusObject) => {
      result.trailers = trailersOf(status.metadata);
      resolve(result);
    });
  });
}

export function serverStream(client: EchoClient, count: number): Promise<CallResult<string[]>> {
  return new Promise((resolve) => {
    const texts: string[] = [];
    const call = client.ServerStream({ text: String(count) });
    const result: CallResult<string[]> = {};
    call.on('data', (msg: Msg) => texts.push(msg.text));
    call.on('error', (error: grpc.ServiceError) => { result.error = error; });
    call.on('status', (status: grpc.StatusObject) => {
      result.value = texts;
      result.trailers = trailersOf(status.metadata);
      resolve(result);
    });
  });
}

export function clientStream(client: EchoClient, texts: string[]): Promise<CallResult<Msg>> {
  return new Promise((resolve) => {
    const result: CallResult<Msg> = {};
    const call = client.ClientStream(new grpc.Metadata(), {}, (error, value) => {
      if (error !== null) result.error = error;
      else result.value = value;
    });
    call.on('status', (status: grpc.StatusObject) => {
      result.trailers = trailersOf(status.metadata);
      resolve(result);
    });
    for (const text of texts) call.write({ text });
    call.end();
  });
}

/** Bidirectional: each message is sent only after the answer to the previous one came back (a true ping-pong through the proxy). */
export function bidi(client: EchoClient, texts: string[]): Promise<CallResult<string[]>> {
  return new Promise((resolve) => {
    const answers: string[] = [];
    const result: CallResult<string[]> = {};
    const call = client.Bidi();
    let next = 0;
    const sendNext = (): void => {
      if (next < texts.length) call.write({ text: texts[next++] as string });
      else call.end();
    };
    call.on('data', (msg: Msg) => {
      answers.push(msg.text);
      sendNext();
    });
    call.on('error', (error: grpc.ServiceError) => { result.error = error; });
    call.on('status', (status: grpc.StatusObject) => {
      result.value = answers;
      result.trailers = trailersOf(status.metadata);
      resolve(result);
    });
    sendNext();
  });
}

export { grpc };
