import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installMenuCommands } from './app/menu-commands';
import { installTheme } from './app/theme';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');

installTheme();
installMenuCommands();
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
