// The console's pages are addressed by the URL hash (#/clip/<station>/<clipId>) so a clip's page can
// be bookmarked and the back button works, with no server route per page.
import { useEffect, useState } from 'react';

export const ADMIN_TABS = ['users', 'enroll', 'stations', 'audit'] as const;
export type AdminTab = (typeof ADMIN_TABS)[number];

export type Route = { page: 'search' } | { page: 'clip'; station: string; clipId: string } | { page: 'admin'; tab: AdminTab };

function routeOf(hash: string): Route {
  const a = /^#\/admin(?:\/([a-z]+))?$/.exec(hash);
  if (a) return { page: 'admin', tab: (ADMIN_TABS as readonly string[]).includes(a[1] ?? '') ? (a[1] as AdminTab) : 'users' };
  const m = /^#\/clip\/([^/]+)\/([^/]+)$/.exec(hash);
  if (m) {
    try {
      return { page: 'clip', station: decodeURIComponent(m[1]!), clipId: decodeURIComponent(m[2]!) };
    } catch {
      return { page: 'search' };
    }
  }
  return { page: 'search' };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => routeOf(location.hash));
  useEffect(() => {
    const on = () => setRoute(routeOf(location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}
