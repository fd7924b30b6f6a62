// Condition types and reasons, in one place. Values are the Gateway API's
// (apis/v1 *_types.go, v1.6); Portico adds none of its own.

export const ConditionType = {
  Accepted: 'Accepted',
  Programmed: 'Programmed',
  ResolvedRefs: 'ResolvedRefs',
  Conflicted: 'Conflicted',
  PartiallyInvalid: 'PartiallyInvalid',
  SupportedVersion: 'SupportedVersion',
  OverlappingTLSConfig: 'OverlappingTLSConfig',
} as const;

export const GatewayClassReason = {
  Accepted: 'Accepted',
  InvalidParameters: 'InvalidParameters',
  SupportedVersion: 'SupportedVersion',
} as const;

export const GatewayReason = {
  Accepted: 'Accepted',
  ListenersNotValid: 'ListenersNotValid',
  Invalid: 'Invalid',
  InvalidParameters: 'InvalidParameters',
  UnsupportedAddress: 'UnsupportedAddress',
  Programmed: 'Programmed',
  AddressNotAssigned: 'AddressNotAssigned',
} as const;

/** ListenerSet conditions (listenerset_types.go); its listeners use ListenerReason. */
export const ListenerSetReason = {
  Accepted: 'Accepted',
  Programmed: 'Programmed',
  NotAllowed: 'NotAllowed',
  ParentNotAccepted: 'ParentNotAccepted',
  ParentNotProgrammed: 'ParentNotProgrammed',
  ListenersNotValid: 'ListenersNotValid',
} as const;

export const ListenerReason = {
  Accepted: 'Accepted',
  PortUnavailable: 'PortUnavailable',
  UnsupportedProtocol: 'UnsupportedProtocol',
  UnsupportedValue: 'UnsupportedValue',
  Programmed: 'Programmed',
  Invalid: 'Invalid',
  ResolvedRefs: 'ResolvedRefs',
  InvalidRouteKinds: 'InvalidRouteKinds',
  NoConflicts: 'NoConflicts',
  HostnameConflict: 'HostnameConflict',
  ProtocolConflict: 'ProtocolConflict',
  InvalidCertificateRef: 'InvalidCertificateRef',
  RefNotPermitted: 'RefNotPermitted',
  NoValidCACertificate: 'NoValidCACertificate',
  InvalidCACertificateRef: 'InvalidCACertificateRef',
  InvalidCACertificateKind: 'InvalidCACertificateKind',
  OverlappingHostnames: 'OverlappingHostnames',
} as const;

export type ListenerConflictReason = typeof ListenerReason.HostnameConflict | typeof ListenerReason.ProtocolConflict;

export const RouteReason = {
  Accepted: 'Accepted',
  NotAllowedByListeners: 'NotAllowedByListeners',
  NoMatchingListenerHostname: 'NoMatchingListenerHostname',
  NoMatchingParent: 'NoMatchingParent',
  UnsupportedValue: 'UnsupportedValue',
  IncompatibleFilters: 'IncompatibleFilters',
  ResolvedRefs: 'ResolvedRefs',
  RefNotPermitted: 'RefNotPermitted',
  InvalidKind: 'InvalidKind',
  BackendNotFound: 'BackendNotFound',
  UnsupportedProtocol: 'UnsupportedProtocol',
} as const;

/** Why a route (or one of its rules) is not accepted. */
export type RouteRejectionReason =
  | typeof RouteReason.NotAllowedByListeners
  | typeof RouteReason.NoMatchingListenerHostname
  | typeof RouteReason.NoMatchingParent
  | typeof RouteReason.UnsupportedValue
  | typeof RouteReason.IncompatibleFilters;

/** Why a route reference does not resolve. */
export type RouteRefReason =
  | typeof RouteReason.RefNotPermitted
  | typeof RouteReason.InvalidKind
  | typeof RouteReason.BackendNotFound
  | typeof RouteReason.UnsupportedProtocol
  | typeof RouteReason.UnsupportedValue;
