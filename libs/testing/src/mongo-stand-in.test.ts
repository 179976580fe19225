import { spawn } from 'node:child_process';
import net from 'node:net';
import mongoose from 'mongoose';
import { freePort } from './free-port';
import { getMongoDb } from './mongodb';
import { mongoStandInScript, startMongoStandIn } from './mongo-stand-in';
import { type StartedService } from './started-service';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('MongoDB stand-in (CongoDB in a child process)', () => {
  let standIn: StartedService | undefined;
  afterEach(async () => {
    await standIn?.stop();
    standIn = undefined;
  });

  it('starts on a free port and answers a real mongoose round trip', async () => {
    standIn = await startMongoStandIn();
    expect(standIn.url).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+$/);
    const connection = await mongoose
      .createConnection(standIn.url, { dbName: 'roundtrip', serverMonitoringMode: 'poll' })
      .asPromise();
    try {
      const Note = connection.model('Note', new mongoose.Schema({ text: String }));
      const created = await Note.create({ text: 'hello' });
      const found = await Note.findById(created._id).lean();
      expect(found?.text).toBe('hello');
      expect(await connection.db?.command({ ping: 1 })).toMatchObject({ ok: 1 });
    } finally {
      await connection.close();
    }
  });

  it('listens on the port it is given and frees it on stop', async () => {
    const port = await freePort();
    standIn = await startMongoStandIn({ port });
    expect(standIn.url).toBe(`mongodb://127.0.0.1:${port}`);
    expect(await canConnect(port)).toBe(true);
    await standIn.stop();
    expect(await canConnect(port)).toBe(false);
  });

  it('reports a port that is taken instead of hanging', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      await expect(startMongoStandIn({ port })).rejects.toMatchObject({
        code: 'mongodb_stand_in_failed',
        message: expect.stringContaining('could not listen'),
      });
    } finally {
      blocker.close();
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'runs on its own (as npm start does) and stops cleanly on %s',
    async (signal) => {
      const port = await freePort();
      const child = spawn(process.execPath, [mongoStandInScript, '--port', String(port)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const exit = new Promise<number | null>((resolve) =>
        child.once('exit', (code) => resolve(code)),
      );
      const ready = await new Promise<string>((resolve) =>
        child.stdout.on('data', (chunk: Buffer) => resolve(String(chunk))),
      );
      expect(ready).toBe(`ready mongodb://127.0.0.1:${port}\n`);
      child.kill(signal);
      expect(await exit).toBe(0);
    },
  );

  it('rejects a malformed --port', async () => {
    const child = spawn(process.execPath, [mongoStandInScript, '--port', 'abc'], { stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += String(chunk)));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--port');
  });
});

describe('getMongoDb with MONGODB_URL (real server: the stand-in here)', () => {
  it('drops the suite database on stop, leaving the shared server clean', async () => {
    const server = await startMongoStandIn();
    try {
      const mongo = await getMongoDb({ env: { MONGODB_URL: server.url }, dbPrefix: 'drop' });
      const connection = await mongoose
        .createConnection(mongo.url, { dbName: mongo.dbName, serverMonitoringMode: 'poll' })
        .asPromise();
      try {
        await connection.collection('things').insertOne({ a: 1 });
        await mongo.stop();
        expect(await connection.collection('things').countDocuments()).toBe(0);
      } finally {
        await connection.close();
      }
    } finally {
      await server.stop();
    }
  });
});
