import { processCpuMs } from './process-cpu';

describe('processCpuMs', () => {
  it('reads a running process’s CPU milliseconds, which grow as it works', () => {
    const before = processCpuMs(process.pid);
    expect(before).toEqual(expect.any(Number));
    const until = Date.now() + 120;
    while (Date.now() < until); // work
    expect(processCpuMs(process.pid)!).toBeGreaterThan(before!);
  });

  it('is null for a process that is not there', () => {
    expect(processCpuMs(undefined)).toBeNull();
    expect(processCpuMs(2 ** 22 + 1)).toBeNull(); // above the kernel's pid_max
  });
});
