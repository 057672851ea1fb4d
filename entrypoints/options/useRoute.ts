import { useEffect, useState } from 'preact/hooks';
import { parseRoute, type Route } from './sections';

/** The route in the page's hash, following back/forward and the section links. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const onChange = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
