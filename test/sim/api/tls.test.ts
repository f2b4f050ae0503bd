import { X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createServingCertificate } from '../../../src/sim/api/tls.js';

describe('the simulator serving certificate', () => {
  it('always parses (DER serial numbers are positive and minimal), so the API server always starts', () => {
    // A non-minimal serial broke about one start in 256; a thousand certificates would catch it.
    for (let i = 0; i < 1000; i++) {
      const cert = new X509Certificate(createServingCertificate().certPem);
      expect(cert.serialNumber).not.toMatch(/^00/);
    }
  });
});
