/**
 * Places a {@link Frame} on the terminal: header, rule, body rows, status row, key bar. Every
 * row is one <Text> cut to the frame's width, so nothing wraps behind the layout's back.
 */
import { Box, Text } from 'ink';
import type { Frame } from './views.js';
import type { Layout } from './layout.js';
import type { Theme } from './theme.js';

function Row({ text }: { text: string }) {
  return <Text wrap="truncate-end">{text === '' ? ' ' : text}</Text>;
}

export function Screen({ frame, layout, theme }: { frame: Frame; layout: Layout; theme: Theme }) {
  const status = frame.status.split('\n');
  return (
    <Box flexDirection="column" width={layout.width} height={layout.height} overflow="hidden">
      <Row text={frame.header} />
      <Row text={theme.dim('─'.repeat(layout.width))} />
      <Box flexDirection="column" height={layout.body - (status.length - 1)} paddingLeft={1} paddingRight={1} overflow="hidden">
        {frame.body.map((row, i) => (
          <Row key={i} text={row} />
        ))}
      </Box>
      {status.map((row, i) => (
        <Row key={`status${i}`} text={row} />
      ))}
      <Row text={frame.keys} />
    </Box>
  );
}
