import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createApi } from './api';
import { App } from './app/App';
import { createStores } from './stores';
import './styles/theme.css';
import './styles/app.css';

const root = createRoot(document.getElementById('root')!);

createApi().then(
  (api) => {
    root.render(
      <StrictMode>
        <App stores={createStores(api)} />
      </StrictMode>,
    );
  },
  (error: unknown) => {
    root.render(<p className="fatal">Casebook could not start: {String(error)}</p>);
  },
);
