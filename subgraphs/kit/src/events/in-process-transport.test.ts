import { createInProcessTransport } from './in-process-transport';
import { describeTransportContract } from '../testing/transport-contract';

describeTransportContract(
  'in-process transport',
  async () => createInProcessTransport({ redeliverDelayMs: 20 }),
  (transport) => transport.close(),
);
