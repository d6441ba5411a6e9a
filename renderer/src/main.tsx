// Renderer entry.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app';
import { useSettingsStore } from './stores/settings-store';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

document.documentElement.lang = useSettingsStore.getState().language;
useSettingsStore.subscribe((state) => {
  document.documentElement.lang = state.language;
});

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
