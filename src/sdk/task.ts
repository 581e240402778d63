/**
 * Runs `run` as its own task once the current one ends: after every event of the current network
 * chunk, and before the next chunk when the browser has one waiting. Answers the function that cancels
 * it. A message task runs as soon as the current one ends; a timer may wait for the timer queue, and a
 * hidden tab's timers are held back.
 */
export function afterTask(run: () => void): () => void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    run();
  };
  channel.port2.postMessage(null);
  return () => channel.port1.close();
}
