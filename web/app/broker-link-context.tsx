import { createContext, type ReactNode, useContext } from 'react';
import type { BrokerLink } from '../../shared/admin/broker-link.ts';

const BrokerLinkContext = createContext<BrokerLink | undefined>(undefined);

/** Every view reaches the broker only through this link: the admin API or, later, the in-tab broker. */
export function BrokerLinkProvider({ link, children }: { link: BrokerLink; children: ReactNode }) {
  return <BrokerLinkContext.Provider value={link}>{children}</BrokerLinkContext.Provider>;
}

export function useBrokerLink(): BrokerLink {
  const link = useContext(BrokerLinkContext);
  if (!link) throw new Error('useBrokerLink needs a BrokerLinkProvider above it');
  return link;
}
