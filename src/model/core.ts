// The core Kubernetes kinds Portico reads: Namespace (labels for selectors),
// Service and EndpointSlice (backends), Secret and ConfigMap (certificates,
// CA bundles). Only the fields Portico uses are typed; the rest pass through.

import type { ObjectMeta } from './meta.ts';

export interface Namespace {
  apiVersion: 'v1';
  kind: 'Namespace';
  metadata: ObjectMeta;
}

export interface ServicePort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP'; // defaulted: TCP
  port: number;
  targetPort?: number | string;
  appProtocol?: string;
}

export interface Service {
  apiVersion: 'v1';
  kind: 'Service';
  metadata: ObjectMeta;
  spec: {
    type?: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName'; // defaulted: ClusterIP
    ports?: ServicePort[];
    selector?: Record<string, string>;
    externalName?: string;
    clusterIP?: string;
  };
}

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface Endpoint {
  addresses: string[];
  conditions?: EndpointConditions;
  hostname?: string;
  nodeName?: string;
  zone?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

export interface EndpointPort {
  name?: string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  port?: number;
  appProtocol?: string;
}

export interface EndpointSlice {
  apiVersion: 'discovery.k8s.io/v1';
  kind: 'EndpointSlice';
  metadata: ObjectMeta; // labels['kubernetes.io/service-name'] names the Service
  addressType: 'IPv4' | 'IPv6' | 'FQDN';
  endpoints: Endpoint[];
  ports?: EndpointPort[];
}

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';

export interface Secret {
  apiVersion: 'v1';
  kind: 'Secret';
  metadata: ObjectMeta;
  type?: string; // e.g. kubernetes.io/tls
  /** base64-encoded values, as in the API. */
  data?: Record<string, string>;
  /** plain values; the API server folds these into data on write. */
  stringData?: Record<string, string>;
}

export interface ConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: ObjectMeta;
  data?: Record<string, string>;
}
