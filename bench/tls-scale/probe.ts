// Looking at one tenant from outside: an HTTPS request whose certificate must
// verify against the tenants' CA for that very name, and the serial number of
// the certificate a handshake for a name presents (to see a renewal arrive).
import { request } from 'node:https';
import { connect } from 'node:tls';
import { sleep } from '../system.ts';

/** GET / for `hostname`, the chain verified against `caPem`: the status and body, or a thrown reason. */
export function verifiedGet(port: number, hostname: string, caPem: string): Promise<{ status: number; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', servername: hostname, headers: { host: hostname }, ca: caPem, agent: false, timeout: 5_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET https://${hostname}/ timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/** The serial number (hex, upper case) of the certificate presented for `servername`. */
export function presentedSerial(port: number, servername: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, servername, rejectUnauthorized: false, ALPNProtocols: ['http/1.1'] }, () => {
      const serial = socket.getPeerX509Certificate()?.serialNumber ?? '';
      socket.destroy();
      resolve(serial.toUpperCase());
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error('handshake timed out')));
    socket.once('error', reject);
  });
}

/** Milliseconds from `since` until `servername` presents `serial` (new handshakes every 5 ms); undefined after `deadlineMs`. */
export async function waitForSerial(port: number, servername: string, serial: string, since: number, deadlineMs: number): Promise<number | undefined> {
  while (performance.now() - since < deadlineMs) {
    const seen = await presentedSerial(port, servername).catch(() => '');
    if (seen === serial) return performance.now() - since;
    await sleep(5);
  }
  return undefined;
}
