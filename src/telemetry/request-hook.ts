// The data plane's onRequestComplete, built once from what is switched on:
// nothing (no hook, so the data plane does not even gather the fields),
// metrics, access logs, or both.
import type { RequestLogInfo } from '../dataplane/runtime.ts';
import type { AccessLog } from './access-log.ts';
import type { RequestMetrics } from './request-metrics.ts';

export function requestHook(metrics: RequestMetrics | undefined, accessLog: AccessLog | undefined): ((info: RequestLogInfo) => void) | undefined {
  if (metrics !== undefined && accessLog !== undefined) {
    return (info) => {
      metrics.record(info);
      accessLog.write(info);
    };
  }
  if (metrics !== undefined) return (info) => metrics.record(info);
  if (accessLog !== undefined) return (info) => accessLog.write(info);
  return undefined;
}
