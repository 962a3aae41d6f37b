import { useStores, useNavigation } from '../stores';
import { SCREENS, type Screen } from './screens';
import { useShortcut } from './shortcuts';

function NavShortcut({ screen }: { screen: Screen }) {
  const { navigation } = useStores();
  useShortcut(`g ${screen.key}`, `Go to ${screen.label}`, () => navigation.getState().go(screen.id), 'Navigation');
  return null;
}

export function Navigation() {
  const current = useNavigation((s) => s.screen);
  const go = useNavigation((s) => s.go);
  return (
    <nav className="nav" aria-label="Screens">
      <div className="nav-brand">Casebook</div>
      <ul>
        {SCREENS.map((screen) => (
          <li key={screen.id}>
            <NavShortcut screen={screen} />
            <button
              type="button"
              className="nav-item"
              aria-current={current === screen.id ? 'page' : undefined}
              data-testid={`nav-${screen.id}`}
              onClick={() => go(screen.id)}
              title={`${screen.label} (g ${screen.key})`}
            >
              {screen.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
