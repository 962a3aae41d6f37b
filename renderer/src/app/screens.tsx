// The screens of the app, in navigation order. A new screen is one entry here (and its id in stores/navigation.ts).
import type { ComponentType } from 'react';
import { DeploymentsScreen } from '../features/deployments/DeploymentsScreen';
import { DriftScreen } from '../features/drift/DriftScreen';
import { InboxScreen } from '../features/inbox/InboxScreen';
import { HistoryScreen } from '../features/publish/HistoryScreen';
import { PrecedentsScreen } from '../features/precedents/PrecedentsScreen';
import { RulebookScreen } from '../features/rulebook/RulebookScreen';
import { RulesScreen } from '../features/rules/RulesScreen';
import { SettingsScreen } from '../features/settings/SettingsScreen';
import type { ScreenId } from '../stores/navigation';

export interface Screen {
  id: ScreenId;
  label: string;
  /** The second key after `g`. */
  key: string;
  component: ComponentType;
}

export const SCREENS: readonly Screen[] = [
  { id: 'inbox', label: 'Inbox', key: 'i', component: InboxScreen },
  { id: 'rules', label: 'Rules', key: 'r', component: RulesScreen },
  { id: 'precedents', label: 'Precedents', key: 'p', component: PrecedentsScreen },
  { id: 'rulebook', label: 'Rulebook', key: 'b', component: RulebookScreen },
  { id: 'history', label: 'History', key: 'h', component: HistoryScreen },
  { id: 'deployments', label: 'Deployments', key: 'y', component: DeploymentsScreen },
  { id: 'drift', label: 'Drift', key: 'd', component: DriftScreen },
  { id: 'settings', label: 'Settings', key: 's', component: SettingsScreen },
];
