// The frame every emulator page shares: escaping and one inline stylesheet, so the pages load no
// external resource and render the same in a headless browser, a screenshot and a terminal.

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text and attribute values: everything a user or a request supplied goes through here. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

const STYLE = `
*{box-sizing:border-box}
body{margin:0;min-height:100vh;display:flex;align-items:center;justify-content:center;background:#eef1f5;font:15px/1.45 "Segoe UI","Liberation Sans",Arial,sans-serif;color:#1b1b1b}
main{width:440px;max-width:calc(100vw - 24px);background:#fff;padding:36px 40px 28px;box-shadow:0 2px 8px rgba(0,0,0,.18)}
.brand{display:flex;align-items:center;gap:8px;font-size:13px;color:#5e5e5e;margin-bottom:18px}
.brand i{display:inline-grid;grid-template-columns:8px 8px;gap:2px}
.brand i b{width:8px;height:8px;background:#0067b8}.brand i b:nth-child(2),.brand i b:nth-child(3){background:#5aa0d8}
h1{font-size:24px;font-weight:600;margin:0 0 6px}
p{margin:0 0 12px}
.sub{color:#5e5e5e;font-size:14px}
label{display:block;font-size:13px;margin:14px 0 2px;color:#444}
input[type=text],input[type=email],input[type=password]{width:100%;padding:6px 2px;font:inherit;border:0;border-bottom:1px solid #666;outline:none;background:transparent}
input:focus{border-bottom:2px solid #0067b8}
.error{color:#e81123;font-size:14px;margin:12px 0 0}
.actions{display:flex;justify-content:flex-end;gap:8px;margin-top:24px}
button{font:inherit;min-width:108px;padding:6px 12px;border:1px solid transparent;cursor:pointer}
.primary{background:#0067b8;color:#fff}.primary:hover{background:#005da6}
.secondary{background:#ccc;color:#1b1b1b}.secondary:hover{background:#bbb}
.accounts{margin-top:26px;border-top:1px solid #e3e3e3;padding-top:12px}
.accounts h2{font-size:13px;font-weight:600;color:#5e5e5e;margin:0 0 6px}
.account{display:block;width:100%;text-align:left;background:#fff;border:0;padding:8px 6px;min-width:0}
.account:hover{background:#f2f2f2}
.account span{display:block;font-size:13px;color:#5e5e5e}
ul.permissions{margin:6px 0 0 18px;padding:0}
code,.code{font-family:"Liberation Mono",Consolas,monospace}
.details{margin-top:18px;font-size:12px;color:#5e5e5e;word-break:break-all}
footer{margin-top:22px;font-size:12px;color:#8a8a8a}
`;

export function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<div class="brand"><i><b></b><b></b><b></b><b></b></i>azid emulator · Microsoft Entra ID (local)</div>
${body}
<footer>A local emulator for tests and demos. Never enter a real password here.</footer>
</main>
</body>
</html>
`;
}
