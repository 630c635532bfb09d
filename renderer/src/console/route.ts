// The console's pages are addressed by the URL hash (#/clip/<station>/<clipId>) so a clip's page can
// be bookmarked and the back button works, with no server route per page.
import { useEffect, useState } from 'react';

export type Route = { page: 'search' } | { page: 'clip'; station: string; clipId: string };

function routeOf(hash: string): Route {
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
