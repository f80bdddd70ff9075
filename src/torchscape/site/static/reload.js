// Live reload for `torchscape serve`: wait for the server to say the site was rebuilt.
let version = null;

async function poll() {
  try {
    const response = await fetch(`/__torchscape/reload?version=${version ?? ""}`, { cache: "no-store" });
    const body = await response.json();
    if (version !== null && body.version !== version) {
      location.reload();
      return;
    }
    version = body.version;
  } catch {
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
  poll();
}

poll();
