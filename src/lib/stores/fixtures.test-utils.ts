// Builders for job data in unit tests.
import type { BackupProgress, JobOutcome, JobSummary } from '../ipc/bindings';

export function progress(percent: number, extra: Partial<BackupProgress> = {}): BackupProgress {
	return {
		phase: 'data',
		currentObject: 'public.orders',
		objectsTotal: 10,
		objectsCompleted: 4,
		bytesWritten: 1000,
		elapsedMs: 2000,
		percent,
		etaMs: 3000,
		...extra
	};
}

export function outcome(jobId: string, extra: Partial<JobOutcome> = {}): JobOutcome {
	return {
		jobId,
		jobType: 'backup',
		status: 'completed',
		startedAt: '2025-03-14T09:00:00Z',
		finishedAt: '2025-03-14T09:01:00Z',
		durationMs: 60_000,
		exitCode: 0,
		outputPath: `/b/${jobId}.backup`,
		sizeBytes: 2048,
		error: null,
		warnings: [],
		errors: [],
		lastLines: [],
		command: 'pg_dump …',
		progress: progress(100, { phase: 'finishing', etaMs: 0 }),
		backupId: null,
		sha256: null,
		safetyBackup: null,
		location: null,
		rowCheck: null,
		...extra
	};
}

export function summary(jobId: string, extra: Partial<JobSummary> = {}): JobSummary {
	return {
		jobId,
		jobType: 'backup',
		label: `Backup to /b/${jobId}.backup`,
		status: 'running',
		startedAt: '2025-03-14T09:00:00Z',
		progress: null,
		outcome: null,
		...extra
	};
}
