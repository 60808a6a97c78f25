import { createCoreHandlers } from '../core/handlers';
import { startApp } from './app';

startApp({ handlers: createCoreHandlers() });
