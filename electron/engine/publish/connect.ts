// The real hub client (electron/hub/client/) behind the publisher's narrow interface.
import type { HubConnector } from './hubApi.ts';

const missing = (): never => {
  throw Object.assign(new Error('this build has no hub client'), { code: 'unreachable' });
};

export const hubConnector: HubConnector = {
  enroll: async () => missing(),
  open: () => ({
    hello: async () => missing(),
    publishChain: async () => missing(),
    publishClip: async () => missing(),
    publishTsr: async () => missing(),
    clipState: async () => missing(),
    holds: async () => missing(),
  }),
};
