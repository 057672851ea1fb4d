import { render } from 'preact';

render(<p>Token Keeper</p>, document.getElementById('app')!);
