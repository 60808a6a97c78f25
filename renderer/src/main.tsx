import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { installTheme } from './app/theme';
import './styles.css';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root element');

installTheme();
createRoot(container).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
