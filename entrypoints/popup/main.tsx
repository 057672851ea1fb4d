import { render } from 'preact';
import { browser } from 'wxt/browser';
import { workerClient } from '@/components/workerClient';
import { App } from './App';
import '@/components/theme.css';
import './popup.css';

render(
  <App client={workerClient} openOptions={() => void browser.runtime.openOptionsPage()} />,
  document.getElementById('app')!,
);
