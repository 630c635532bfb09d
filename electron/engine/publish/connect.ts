// The real hub client (electron/hub/client/) behind the publisher's narrow interface.
import { enrollStation, openHubClient } from '../../hub/client/index.ts';
import type { HubConnector } from './hubApi.ts';

export const hubConnector: HubConnector = {
  enroll: (hubUrl, code, station) => enrollStation(hubUrl, code, station),
  open: (cfg) => openHubClient(cfg),
};
