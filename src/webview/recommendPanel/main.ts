// The Recommendation panel webview's entry: the workbench-like elements it uses, its stylesheet, and the page element.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import './styles.css';
import { RecommendPanelApp } from './app';

customElements.define('slmgen-recommend-panel', RecommendPanelApp);
