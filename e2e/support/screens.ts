// The app's screens as the navigation names them (renderer/src/app/screens.tsx) with what marks each loaded.
export const SCREENS = [
  { id: 'inbox', ready: 'inbox-list' },
  { id: 'rules', ready: 'rules-screen' },
  { id: 'rulebook', ready: 'rulebook-screen' },
  { id: 'drift', ready: 'drift-screen' },
  { id: 'settings', ready: 'settings-screen' },
] as const;
