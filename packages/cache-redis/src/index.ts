// placeholder: see docs/design/plugins.md
export {};
